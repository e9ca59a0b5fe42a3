-- The ALTER moves the primary key to another existing unique key:
-- DROP PRIMARY KEY, ADD PRIMARY KEY (uid) (and a plain index for the
-- AUTO_INCREMENT id). The event changes both keys.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int not null auto_increment,
  uid varchar(16) not null,
  v int,
  primary key(id),
  unique key uid_uk (uid)
) auto_increment=1;

insert into gh_ost_test values (null, 'a', 1), (null, 'b', 2), (null, 'c', 3), (null, 'd', 4), (null, 'e', 5);

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (null, concat('u', floor(rand() * 1000000000)), 1);
  update gh_ost_test set uid = concat(uid, '+') where id = 1;
  update gh_ost_test set id = id + 1000 where uid = 'b';
  update gh_ost_test set v = v + 1 where uid = 'c';
  delete from gh_ost_test where uid = 'd';
end ;;

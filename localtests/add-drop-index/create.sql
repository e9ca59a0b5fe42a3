-- The ALTER adds a composite index and a prefix index and drops an existing one.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  s varchar(100),
  t text,
  primary key(id),
  key i_idx (i)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'a', 'x'), (null, 2, 'b', 'y'), (null, 1, 'c', null), (null, 3, null, 'z');

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
  insert into gh_ost_test values (null, floor(rand() * 10), concat('s', rand()), repeat('t', 100));
  update gh_ost_test set i = i + 10 where id = 1;
  delete from gh_ost_test where id = 2;
end ;;

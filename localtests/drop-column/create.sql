-- The ALTER drops a column that the event keeps writing to.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  dropped varchar(32) not null default 'x',
  color varchar(32),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 11, 'a', 'red'), (null, 13, 'b', 'green'), (null, 17, 'c', 'blue');

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
  insert into gh_ost_test values (null, 23, 'z', 'orange');
  update gh_ost_test set dropped = concat(dropped, '+'), color = 'purple' where id = 1;
  update gh_ost_test set dropped = 'only the dropped column changes' where id = 2;
  delete from gh_ost_test where id = 3;
end ;;

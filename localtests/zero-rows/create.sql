-- An empty table: nothing to copy; the event inserts and deletes rows, so every
-- row of the result arrives through the binlog.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  primary key(id)
) auto_increment=1;

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
  insert into gh_ost_test values (null, 1);
  insert into gh_ost_test values (null, 2);
  update gh_ost_test set i = i + 10 where id = 1;
  delete from gh_ost_test where id = 2;
end ;;

-- The ALTER adds columns FIRST and AFTER another column: the copy and the
-- binlog apply must map columns by name, not by position.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  a int not null,
  b varchar(16),
  c int,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'one', 10), (null, 2, 'two', 20), (null, 3, null, null);

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
  insert into gh_ost_test values (null, 4, 'four', 40);
  update gh_ost_test set a = a + 100, b = 'changed', c = -c where id = 1;
  delete from gh_ost_test where id = 2;
end ;;

-- The ALTER renames the table: refused (gh-ost: "ALTER statement seems to RENAME
-- the table"); the rename is a plain RENAME TABLE.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, 2);

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
  insert into gh_ost_test values (null, 3);
end ;;

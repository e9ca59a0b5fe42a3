-- NOT NULL on a column that holds NULLs: the server would store 0 in their place,
-- so the migration is refused before any copy.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, null), (null, 3);

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
  insert into gh_ost_test values (null, 7);
end ;;

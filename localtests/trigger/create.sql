-- The table has a trigger: refused (gh-ost's default; --include-triggers is not
-- available yet).
drop table if exists gh_ost_test;
drop table if exists gh_ost_test_audit;
create table gh_ost_test (
  id int auto_increment,
  i int,
  primary key(id)
) auto_increment=1;
create table gh_ost_test_audit (
  id int auto_increment,
  ref int,
  primary key(id)
);

insert into gh_ost_test values (null, 1), (null, 2);

create trigger gh_ost_test_ai after insert on gh_ost_test for each row
  insert into gh_ost_test_audit values (null, new.id);

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

-- ZEROFILL and display widths (deprecated in MySQL 8, still accepted).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int(6) unsigned zerofill auto_increment,
  i int(10) zerofill not null,
  b bigint(20) unsigned zerofill,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 1), (null, 42, null), (null, 4294967295, 18446744073709551615), (null, 0, 0);

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
  insert into gh_ost_test values (null, 7, 77);
  update gh_ost_test set i = i + 1, b = coalesce(b, 0) + 1 where id = 2;
end ;;

-- DATETIME with 0, 3 and 6 fractional digits, at the extremes of the range.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  dt0 datetime,
  dt3 datetime(3),
  dt6 datetime(6) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '1000-01-01 00:00:00', '1000-01-01 00:00:00.000', '1000-01-01 00:00:00.000000'),
  (null, '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999'),
  (null, '1970-01-01 00:00:00', '1970-01-01 00:00:00.001', '1970-01-01 00:00:00.000001'),
  (null, '2038-01-19 03:14:08', '2038-01-19 03:14:07.999', '2038-01-19 03:14:07.999999'),
  (null, '2024-02-29 12:34:56', '2024-02-29 12:34:56.5', '2024-02-29 12:34:56.050000'),
  (null, null, null, '2000-01-01 00:00:00.100000');

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
  insert into gh_ost_test values (null, now(), now(3), now(6));
  insert into gh_ost_test values (null, '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999');
  update gh_ost_test set dt6 = dt6 + interval 1 microsecond, dt3 = dt3 - interval 1000 microsecond where id = 3;
  update gh_ost_test set dt0 = null, dt6 = '1000-01-01 00:00:00.000001' where id = 5;
  delete from gh_ost_test where id = 4;
end ;;

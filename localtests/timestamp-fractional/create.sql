-- TIMESTAMP with fractional seconds, at the ends of its range, written in a
-- session time zone that is not UTC (the event keeps it).
set session time_zone = '+05:30';
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  ts0 timestamp null default null,
  ts3 timestamp(3) null default null,
  ts6 timestamp(6) not null default current_timestamp(6),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '1970-01-01 05:30:01', '1970-01-01 05:30:01.001', '1970-01-01 05:30:01.000001'),
  (null, '2038-01-19 08:44:07', '2038-01-19 08:44:07.999', '2038-01-19 08:44:07.999999'),
  (null, '2000-02-29 00:00:00', '2000-02-29 00:00:00.5', '2000-02-29 00:00:00.123456'),
  (null, null, null, '2020-01-01 00:00:00.000000'),
  (null, now(), now(3), now(6));

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
  insert into gh_ost_test (id) values (null);
  update gh_ost_test set ts6 = ts6 + interval 1 microsecond, ts0 = '2038-01-19 08:44:07' where id = 1;
  update gh_ost_test set ts3 = null where id = 3;
  delete from gh_ost_test where id = 5;
end ;;

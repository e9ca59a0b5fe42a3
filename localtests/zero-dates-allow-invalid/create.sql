-- Zero dates and invalid dates under a permissive sql_mode (ALLOW_INVALID_DATES,
-- without NO_ZERO_DATE / NO_ZERO_IN_DATE); the event inherits the sql_mode.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  d date not null,
  dt datetime(6) not null default '0000-00-00 00:00:00.000000',
  ts timestamp not null default '0000-00-00 00:00:00',
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '0000-00-00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00'),
  (null, '2020-02-30', '2020-02-31 12:00:00.000001', '2020-01-01 00:00:00'),
  (null, '2021-04-31', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
  (null, '1999-12-31', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59');

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
  insert into gh_ost_test values (null, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00');
  insert into gh_ost_test values (null, '2019-02-29', '2019-06-31 01:02:03.4', now());
  update gh_ost_test set d = '0000-00-00', ts = '0000-00-00 00:00:00' where id = 4;
  update gh_ost_test set dt = '2022-11-31 00:00:00' where id = 1;
end ;;

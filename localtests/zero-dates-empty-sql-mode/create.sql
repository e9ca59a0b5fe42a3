-- Zero dates and dates with zero parts ('2020-00-15') under an empty sql_mode.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  d date,
  dt datetime,
  dt6 datetime(6) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000'),
  (null, '2020-00-15', '2020-05-00 10:00:00', '0000-01-01 00:00:00.000001'),
  (null, '2020-00-00', '0000-00-01 00:00:00', '2000-00-00 00:00:00.5'),
  (null, null, null, '2001-01-01 00:00:00');

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
  insert into gh_ost_test values (null, '2021-00-01', '2021-01-00 00:00:00', '2021-00-00 12:00:00.000001');
  update gh_ost_test set d = '0000-00-00', dt6 = '0000-00-00 00:00:00.000001' where id = 4;
  update gh_ost_test set dt = null where id = 2;
end ;;

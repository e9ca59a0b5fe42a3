-- A DATETIME(6) primary key (with an int): keys that differ in microseconds.
drop table if exists gh_ost_test;
create table gh_ost_test (
  ts datetime(6) not null,
  n int not null,
  v varchar(16),
  primary key(ts, n)
);

insert into gh_ost_test values
  ('2020-01-01 00:00:00.000000', 1, 'a'), ('2020-01-01 00:00:00.000001', 1, 'b'), ('2020-01-01 00:00:00.000002', 1, 'c'),
  ('2020-01-01 00:00:00.999999', 1, 'd'), ('2020-01-01 00:00:01.000000', 1, 'e'), ('1000-01-01 00:00:00.000000', 0, 'f'),
  ('9999-12-31 23:59:59.999999', 9, 'g');

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
  insert into gh_ost_test values (now(6), 1, 'ev') on duplicate key update v = 'dup';
  update gh_ost_test set ts = ts + interval 1 microsecond where ts = (select max(ts) from (select ts from gh_ost_test where ts < '2020-01-01 00:00:00.5') t) and n = 1;
  update gh_ost_test set v = 'changed' where ts = '2020-01-01 00:00:00.999999';
  delete from gh_ost_test where ts = '2020-01-01 00:00:01';
end ;;

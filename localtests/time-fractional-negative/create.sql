-- TIME with fractional seconds, negative values and the extremes of the range.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  t0 time,
  t3 time(3),
  t6 time(6) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '-838:59:59', '-838:59:59.000', '-838:59:59.000000'),
  (null, '838:59:59', '838:59:59.000', '838:59:59.000000'),
  (null, '00:00:00', '-00:00:00.001', '-00:00:00.000001'),
  (null, '-00:00:01', '00:00:00.999', '00:00:00.999999'),
  (null, '-12:34:56', '-12:34:56.789', '-12:34:56.789012'),
  (null, '100:00:00', '-100:00:00.5', '-99:59:59.500000'),
  (null, null, null, '23:59:59.999999');

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
  insert into gh_ost_test values (null, curtime(), -curtime(3), '-838:59:58.999999');
  insert into gh_ost_test values (null, '-01:00:00', '-00:00:00.010', '-00:00:00.000010');
  update gh_ost_test set t6 = '-837:00:00.000001', t0 = '-838:59:59' where id = 3;
  update gh_ost_test set t3 = null where id = 5;
  delete from gh_ost_test where id = 4;
end ;;

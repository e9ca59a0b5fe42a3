-- DECIMAL at its widest (65 digits, 30 decimals), negative values, all-fraction
-- DECIMAL(5,5), and a negative DECIMAL primary key.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id decimal(20,4) not null,
  d65_30 decimal(65,30),
  d65_0 decimal(65,0),
  d10_2 decimal(10,2) not null,
  d5_5 decimal(5,5),
  du decimal(12,3) unsigned,
  primary key(id)
);

insert into gh_ost_test values
  (-9999999999999999.9999, 99999999999999999999999999999999999.999999999999999999999999999999,
   -99999999999999999999999999999999999999999999999999999999999999999, -99999999.99, -0.99999, 0),
  (-1.5000, -0.000000000000000000000000000001, 1, 0.01, 0.00001, 999999999.999),
  (0.0000, 0, 0, 0, 0, null),
  (0.0001, -12345678901234567890.123456789012345678901234567890, 12345678901234567890123456789012345678901234567890123456789012345,
   -0.01, null, 0.001),
  (9999999999999999.9999, -99999999999999999999999999999999999.999999999999999999999999999999,
   99999999999999999999999999999999999999999999999999999999999999999, 99999999.99, 0.99999, 999999999.999);

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
  insert into gh_ost_test values (-round(rand() * 1000000, 4), -rand() * 1e30, -floor(rand() * 1e20), -123.45, -0.5, 1.5)
    on duplicate key update d10_2 = d10_2 - 1;
  update gh_ost_test set d65_30 = -d65_30, d10_2 = -d10_2, d5_5 = -d5_5 where id = 0.0001;
  update gh_ost_test set id = id - 1 where id = -1.5 or id = -2.5;
end ;;

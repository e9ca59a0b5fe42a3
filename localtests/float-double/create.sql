-- FLOAT and DOUBLE: extremes, denormals, negative zero, and precise fractions.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  f float,
  d double,
  fu float unsigned,
  f52 float(5,2),
  d103 double(10,3),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, 3.40282e38, 1.7976931348623157e308, 3.40282e38, 999.99, 9999999.999),
  (null, -3.40282e38, -1.7976931348623157e308, 0, -999.99, -9999999.999),
  (null, 1.17549e-38, 2.2250738585072014e-308, 1.17549e-38, 0.01, 0.001),
  (null, -1.17549e-38, 4.9e-324, 0, -0.01, -0.001),
  (null, 0.1, 0.1, 0.1, 0.1, 0.1),
  (null, 1/3, 1/3, 1/3, 1/3, 1/3),
  (null, -0.0, -0.0, 0, 0, 0),
  (null, 123456789, 1234567890123456789, 16777217, 12.5, 12.5),
  (null, null, null, null, null, null);

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
  insert into gh_ost_test values (null, rand(), rand() * 1e300, rand(), -1.25, pi());
  insert into gh_ost_test values (null, 3.40282e38, -1.7976931348623157e308, 0, 0.5, -0.5);
  update gh_ost_test set f = -f, d = d / 3 where id = 5;
  update gh_ost_test set d = 2.2250738585072014e-308, f = null where id = 9;
  delete from gh_ost_test where id = 8;
end ;;

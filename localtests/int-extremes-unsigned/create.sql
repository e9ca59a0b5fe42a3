-- The extremes of every unsigned integer type; BIGINT UNSIGNED above 2^63 (the
-- values that turn negative when read as signed).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int unsigned auto_increment,
  ti tinyint unsigned not null,
  si smallint unsigned not null,
  mi mediumint unsigned not null,
  i int unsigned not null,
  bi bigint unsigned not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, 255, 65535, 16777215, 4294967295, 18446744073709551615),
  (null, 0, 0, 0, 0, 0),
  (null, 128, 32768, 8388608, 2147483648, 9223372036854775808),
  (null, 127, 32767, 8388607, 2147483647, 9223372036854775807),
  (null, 129, 32769, 8388609, 2147483649, 9223372036854775809),
  (null, 254, 65534, 16777214, 4294967294, 18446744073709551614),
  (null, 1, 1, 1, 1, 1);

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
  insert into gh_ost_test values (null, 255, 65535, 16777215, 4294967295, 18446744073709551615);
  insert into gh_ost_test values (null, 128, 32768, 8388608, 2147483648, 9223372036854775808);
  update gh_ost_test set bi = 18446744073709551615 - bi, i = 4294967295 - i, ti = 255 - ti where id = 2;
  update gh_ost_test set bi = bi + 1 where id = 4 and bi < 18446744073709551615;
  delete from gh_ost_test where id = 7;
end ;;

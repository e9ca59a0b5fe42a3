-- The extremes of every signed integer type, copied and changed through the binlog.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  ti tinyint not null,
  si smallint not null,
  mi mediumint not null,
  i int not null,
  bi bigint not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, -128, -32768, -8388608, -2147483648, -9223372036854775808),
  (null, 127, 32767, 8388607, 2147483647, 9223372036854775807),
  (null, 0, 0, 0, 0, 0),
  (null, -1, -1, -1, -1, -1),
  (null, 1, 1, 1, 1, 1),
  (null, -127, -32767, -8388607, -2147483647, -9223372036854775807),
  (null, 126, 32766, 8388606, 2147483646, 9223372036854775806);

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
  insert into gh_ost_test values (null, -128, -32768, -8388608, -2147483648, -9223372036854775808);
  insert into gh_ost_test values (null, 127, 32767, 8388607, 2147483647, 9223372036854775807);
  insert into gh_ost_test values (null, -1, -1, -1, -1, -1);
  update gh_ost_test set ti = -ti - 1, si = -si - 1, mi = -mi - 1, i = -i - 1, bi = -bi - 1 where id = 4;
  update gh_ost_test set bi = -9223372036854775808, ti = -128 where id = 3;
  delete from gh_ost_test where id = 5;
end ;;

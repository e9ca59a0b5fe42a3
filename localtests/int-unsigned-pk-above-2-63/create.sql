-- A BIGINT UNSIGNED primary key whose values straddle 2^63: chunking and the
-- binlog key must order and compare them as unsigned.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id bigint unsigned not null,
  i int not null,
  primary key(id)
);

insert into gh_ost_test values
  (0, 1), (1, 2), (9223372036854775806, 3), (9223372036854775807, 4),
  (9223372036854775808, 5), (9223372036854775809, 6), (12345678901234567890, 7),
  (18446744073709551614, 8), (18446744073709551615, 9);
insert into gh_ost_test select id + 100, i + 100 from gh_ost_test where id < 1000;
insert into gh_ost_test select id - 100, i + 200 from gh_ost_test where id > 9223372036854775900;

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
  insert into gh_ost_test values (9223372036854775808 + floor(rand() * 1000000000), 11)
    on duplicate key update i = i + 1;
  update gh_ost_test set i = i + 1 where id = 18446744073709551615;
  update ignore gh_ost_test set id = id + 1
    where id between 9223372036854775807 and 9223372036854775900 order by id desc limit 1;
  delete from gh_ost_test where id = 12345678901234567890;
end ;;

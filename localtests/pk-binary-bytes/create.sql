-- A VARBINARY primary key with zero bytes, high bytes and trailing zeros.
drop table if exists gh_ost_test;
create table gh_ost_test (
  k varbinary(32) not null,
  v int,
  primary key(k)
);

insert into gh_ost_test values
  (x'', 0), (x'00', 1), (x'0000', 2), (x'0001', 3), (x'01', 4), (x'7f', 5), (x'80', 6), (x'ff', 7), (x'ff00', 8),
  (x'ffff', 9), ('abc', 10), ('abc\0', 11), ('ABC', 12), (x'5c', 13), (x'27', 14);

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
  insert into gh_ost_test values (unhex(sha2(rand(), 256)), 1);
  update gh_ost_test set k = concat(k, x'00') where k = (select max(k) from (select k from gh_ost_test where k like 'abc%') t);
  update gh_ost_test set v = v + 1 where k = x'00';
  delete from gh_ost_test where k = x'0001';
end ;;

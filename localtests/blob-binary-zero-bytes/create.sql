-- Binary data: zero bytes, bytes 0x80-0xFF, BINARY(n) padding with 0x00,
-- trailing zero bytes in VARBINARY and BLOB.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  bin binary(16),
  vb varbinary(64),
  bl blob,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, x'00', x'00', x'00'),
  (null, x'000102030405060708090a0b0c0d0e0f', x'00ff00ff', x'000000'),
  (null, x'ffffffffffffffffffffffffffffffff', x'80818283fefdfcfb', x'5c275c2200'),
  (null, 'abc', 'abc\0\0', concat('a', x'00', 'b', x'0000')),
  (null, '', '', ''),
  (null, null, null, null);

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
  insert into gh_ost_test values (null, unhex(left(sha2(rand(), 256), 32)), unhex(sha2(rand(), 256)), concat(x'00', unhex(sha2(rand(), 512)), x'00'));
  insert into gh_ost_test values (null, x'00', x'0000', x'000000');
  update gh_ost_test set vb = concat(vb, x'00'), bl = concat(x'ff', bl) where id = 2;
  update gh_ost_test set bin = x'7f' where id = 5;
  delete from gh_ost_test where id = 4;
end ;;

-- BIT(64) with the top bit set, all bits set, and odd widths (BIT(7), BIT(9)).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  b64 bit(64) not null,
  b7 bit(7),
  b9 bit(9),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, b'1111111111111111111111111111111111111111111111111111111111111111', b'1111111', b'111111111'),
  (null, b'1000000000000000000000000000000000000000000000000000000000000000', b'1000000', b'100000000'),
  (null, 0, 0, 0),
  (null, 1, 1, 1),
  (null, x'0123456789abcdef', null, b'101010101'),
  (null, 9223372036854775807, 64, 256);

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
  insert into gh_ost_test values (null, x'ffffffffffffffff', b'0000001', b'100000001');
  insert into gh_ost_test values (null, x'8000000000000001', null, null);
  update gh_ost_test set b64 = ~b64, b7 = b7 ^ 127 where id = 3;
  update gh_ost_test set b9 = 511 where id = 4;
  delete from gh_ost_test where id = 6;
end ;;

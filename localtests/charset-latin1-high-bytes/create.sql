-- latin1 columns holding every byte 0x80-0xFF (written as x'..' literals, so
-- the bytes do not depend on the client's character set).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s varchar(200) charset latin1 not null,
  c char(4) charset latin1,
  t text charset latin1,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, x'808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f', x'e9e8', x'c0c1c2c3'),
  (null, x'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf', x'ff', x'd7f7'),
  (null, x'c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf', x'a4', null),
  (null, x'e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', '', x'00ff'),
  (null, convert('Grüße, café, naïve' using latin1), 'abc', convert('€ is 0x80 in latin1' using latin1));

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
  insert into gh_ost_test values (null, x'e9e0e8ecf2f9', x'ff', x'80');
  update gh_ost_test set s = concat(s, x'ff'), c = x'fefd' where id = 1;
  update gh_ost_test set t = x'a3a5' where id = 3;
  delete from gh_ost_test where id = 2;
end ;;

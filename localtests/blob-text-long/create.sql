-- Every BLOB and TEXT size, with long values (70,000 bytes: past 64 KB, so
-- MEDIUM/LONG lengths take 3-4 bytes) and multi-byte text.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  tb tinyblob,
  b blob,
  mb mediumblob,
  lb longblob,
  tt tinytext,
  t text,
  mt mediumtext,
  lt longtext,
  primary key(id)
) auto_increment=1 default charset=utf8mb4;

insert into gh_ost_test values
  (null, repeat('a', 255), repeat('b', 65535), repeat('c', 70000), repeat('d', 70000),
   repeat('ü', 127), repeat('é', 32767), repeat('日', 30000), repeat('😀', 20000)),
  (null, '', '', '', '', '', '', '', ''),
  (null, null, null, null, null, null, null, null, null),
  (null, 'x', 'y', 'z', 'w', 'short', 'text', 'medium', 'long');

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
  insert into gh_ost_test values (null, repeat('1', 200), repeat('2', 60000), repeat('3', 100000), repeat('4', 200000),
    'ü', repeat('日本', 1000), repeat('😀', 30000), repeat('é', 100000));
  update gh_ost_test set mb = concat(mb, 'tail'), lt = concat(lt, '😀') where id = 1;
  update gh_ost_test set tb = null, t = '' where id = 4;
  delete from gh_ost_test where id = 2;
end ;;

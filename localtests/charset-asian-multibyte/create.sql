-- Legacy multi-byte character sets: sjis, gbk, big5, euckr (bytes written as
-- x'..' literals: the second byte of a sjis/gbk character can be 0x5c, a backslash).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  sj varchar(32) charset sjis,
  gb varchar(32) charset gbk,
  b5 varchar(32) charset big5,
  kr varchar(32) charset euckr,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, x'835c8d5c955c', x'815c', x'a45c', x'b0a1'),
  (null, x'93fa967b8cea', x'd6d0cec4', x'a4a4a4e5', x'c7d1b1b9'),
  (null, 'ascii', 'ascii', 'ascii', 'ascii'),
  (null, null, '', null, '');

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
  insert into gh_ost_test values (null, x'835c', x'815c815c', x'a45ca45c', x'b0a2');
  update gh_ost_test set sj = concat(sj, x'955c'), gb = concat(gb, x'815c') where id = 1;
  delete from gh_ost_test where id = 4;
end ;;

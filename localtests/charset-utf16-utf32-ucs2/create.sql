-- Fixed- and variable-width multi-byte character sets whose bytes are not
-- UTF-8: utf16, utf16le, utf32, ucs2.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  u16 varchar(32) charset utf16,
  u16le varchar(32) charset utf16le,
  u32 varchar(32) charset utf32,
  u2 varchar(32) charset ucs2,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, 'abc', 'abc', 'abc', 'abc'),
  (null, 'ü日本😀', 'ü日本😀', 'ü日本😀', 'ü日本'),
  (null, '', '', '', ''),
  (null, null, null, null, null);

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
  insert into gh_ost_test values (null, '🚀x', 'é🚀', '𝄞', 'ñ');
  update gh_ost_test set u16 = concat(u16, '😀'), u32 = concat(u32, '😀'), u2 = 'Ω' where id = 1;
  delete from gh_ost_test where id = 3;
end ;;

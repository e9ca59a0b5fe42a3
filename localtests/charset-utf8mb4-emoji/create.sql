-- utf8mb4 with 4-byte characters (emoji, supplementary CJK), combining marks,
-- and utf8mb3 next to it.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s varchar(64) charset utf8mb4 collate utf8mb4_unicode_ci not null,
  c char(8) charset utf8mb4,
  t text charset utf8mb4,
  m varchar(32) charset utf8mb3,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '😀😃😄', '🎉', repeat('👩‍👩‍👧‍👦', 10), 'plain'),
  (null, '𠜎𠜱𠝹𠱓', '𝄞', 'e\u0301 é', 'ü é ñ'),
  (null, 'ASCII only', 'abc', '', '日本語'),
  (null, '', '', null, null);

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
  insert into gh_ost_test values (null, concat('🚀', now()), '🦀', '𝓤𝓷𝓲𝓬𝓸𝓭𝓮', 'ß');
  update gh_ost_test set s = concat(s, '🙂'), c = '🐳' where id = 1;
  update gh_ost_test set t = '😀' where id = 4;
  delete from gh_ost_test where id = 3;
end ;;

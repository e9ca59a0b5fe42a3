-- Rows near the 64 KB row-size limit: two VARCHAR(32000) latin1 columns filled
-- to the last byte (65,535 bytes is MySQL's limit for the non-BLOB columns of a row).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  a varchar(32000) charset latin1 not null,
  b varchar(32000) charset latin1 not null,
  c varchar(1400) charset latin1,
  primary key(id)
) auto_increment=1 row_format=dynamic;

insert into gh_ost_test values
  (null, repeat('a', 32000), repeat('b', 32000), repeat('c', 1400)),
  (null, repeat(x'ff', 32000), repeat(x'00', 32000), null),
  (null, '', '', '');

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
  insert into gh_ost_test values (null, repeat(char(65 + floor(rand() * 26)), 32000), repeat('z', 32000), repeat('y', 1400));
  update gh_ost_test set a = concat(left(a, 31999), 'Z'), c = repeat('u', 1400) where id = 1;
  delete from gh_ost_test where id = 3;
end ;;

-- Binary collations (utf8mb4_bin, latin1_bin, ascii_bin) and the binary
-- charset: case makes distinct values (also in a unique key), trailing spaces
-- are kept.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  u varchar(32) charset utf8mb4 collate utf8mb4_bin not null,
  l varchar(32) charset latin1 collate latin1_bin,
  a char(8) charset ascii collate ascii_bin,
  b varchar(32) charset binary,
  primary key(id),
  unique key u_uk (u)
) auto_increment=1;

insert into gh_ost_test values
  (null, 'a', 'a', 'a', 'a'),
  (null, 'A', 'A', 'A', 'A'),
  (null, 'b ', x'e9', 'z', 'a '),
  (null, 'ä', x'c4', 'Z', x'c3a4'),
  (null, '😀', 'x', '', x'f09f9880');

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
  insert ignore into gh_ost_test values (null, concat('k', floor(rand() * 1000000)), 'b', 'B', 'b ');
  update gh_ost_test set u = 'a  ', l = 'A ' where id = 1;
  update gh_ost_test set u = 'Ä' where id = 4;
end ;;

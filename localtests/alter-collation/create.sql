-- The ALTER changes a column's collation (case-insensitive to binary) and the
-- table's default collation.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s varchar(32) charset utf8mb4 collate utf8mb4_general_ci,
  t varchar(32),
  primary key(id),
  key s_idx (s)
) auto_increment=1 default charset=utf8mb4 collate=utf8mb4_general_ci;

insert into gh_ost_test values (null, 'a', 'A'), (null, 'A', 'a'), (null, 'Straße', 'STRASSE'), (null, 'ü', 'Ü');

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
  insert into gh_ost_test values (null, 'b', 'B');
  update gh_ost_test set s = upper(s) where id = 1;
  delete from gh_ost_test where id = 3;
end ;;

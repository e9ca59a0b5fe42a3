-- The ALTER changes VARCHAR to TEXT and CHAR to VARCHAR (trailing spaces of a
-- CHAR are not stored, so the values stay equal).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  v varchar(100) charset utf8mb4,
  c char(10) charset utf8mb4,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'text ', 'chr  '), (null, '😀 ', '😀'), (null, '', ''), (null, null, null);

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
  insert into gh_ost_test values (null, repeat('ü', 100), 'tenchars!!');
  update gh_ost_test set v = concat(v, ' x '), c = 'c' where id = 1;
  delete from gh_ost_test where id = 3;
end ;;

-- The ALTER widens types: INT to BIGINT, SMALLINT UNSIGNED to INT, VARCHAR(8)
-- to VARCHAR(200), FLOAT to DOUBLE, DECIMAL(5,2) to DECIMAL(12,4), DATETIME to
-- DATETIME(6).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  su smallint unsigned,
  s varchar(8),
  f float,
  d decimal(5,2),
  dt datetime,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, 2147483647, 65535, 'abcdefgh', 1.5, 999.99, '2020-01-01 00:00:00'),
  (null, -2147483648, 0, '', -1.5, -999.99, '1000-01-01 00:00:00'),
  (null, 0, null, null, null, null, null);

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
  insert into gh_ost_test values (null, -2147483648, 65535, 'zzzzzzzz', 0.25, 123.45, now());
  update gh_ost_test set i = -i - 1, d = -d where id = 1;
  delete from gh_ost_test where id = 2;
end ;;

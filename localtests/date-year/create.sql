-- DATE and YEAR at the ends of their ranges (YEAR 0000 is its own value).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  d date,
  y year,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '1000-01-01', 1901),
  (null, '9999-12-31', 2155),
  (null, '1970-01-01', 0),
  (null, '2024-02-29', 1970),
  (null, null, null),
  (null, '0001-01-01', 2000);

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
  insert into gh_ost_test values (null, curdate(), year(now()));
  insert into gh_ost_test values (null, '9999-12-31', 2155);
  update gh_ost_test set y = 1901 + (y + 1) % 255, d = d + interval 1 day where id = 4;
  update gh_ost_test set y = 0 where id = 2;
  delete from gh_ost_test where id = 5;
end ;;

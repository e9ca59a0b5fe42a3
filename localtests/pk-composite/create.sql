-- A composite primary key (int, string, date); the event changes key parts.
drop table if exists gh_ost_test;
create table gh_ost_test (
  a int not null,
  b varchar(16) not null,
  c date not null,
  v int,
  primary key(a, b, c)
);

insert into gh_ost_test values
  (1, 'x', '2020-01-01', 1), (1, 'x', '2020-01-02', 2), (1, 'y', '2020-01-01', 3),
  (2, 'x', '2020-01-01', 4), (-1, '', '1000-01-01', 5), (0, 'z', '9999-12-31', 6);
insert into gh_ost_test select a + 10, b, c, v + 10 from gh_ost_test;

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
  insert into gh_ost_test values (floor(rand() * 1000), 'ev', curdate(), 1) on duplicate key update v = v + 1;
  update gh_ost_test set c = c + interval 1 day where a = 1 and b = 'x' and c = (select max(c) from (select c from gh_ost_test where a = 1 and b = 'x') t);
  update gh_ost_test set b = concat(b, 'x'), v = v + 1 where a = 2;
  delete from gh_ost_test where a = 11 and b = 'y';
end ;;

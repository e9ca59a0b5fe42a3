-- Column and index names containing backticks (written doubled: `a``b` is a`b),
-- quotes and a backslash; the ALTER renames one of them.
drop table if exists gh_ost_test;
create table gh_ost_test (
  `id``x` int auto_increment,
  `a``b` int not null,
  `it's` varchar(16),
  `say "hi"` varchar(16),
  `back\slash` int,
  primary key(`id``x`),
  key `k``1` (`a``b`)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'x', 'y', 1), (null, 2, null, '', 2), (null, 3, 'z', 'w', 3);

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
  insert into gh_ost_test values (null, 4, 'ev', 'ev', 4);
  update gh_ost_test set `a``b` = `a``b` + 10, `it's` = 'upd', `back\slash` = -`back\slash` where `id``x` = 1;
  delete from gh_ost_test where `id``x` = 2;
end ;;

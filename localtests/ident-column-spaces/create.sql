-- Column and index names with spaces; the ALTER adds another one.
drop table if exists gh_ost_test;
create table gh_ost_test (
  `my id` int auto_increment,
  `a b c` int not null,
  ` leading space` varchar(16),
  `two  spaces` varchar(16),
  primary key(`my id`),
  key `an index` (`a b c`, `two  spaces`)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'x', 'y'), (null, 2, null, ''), (null, 3, 'z', 'w');

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
  insert into gh_ost_test values (null, 4, 'ev', 'ev');
  update gh_ost_test set `a b c` = `a b c` + 10, ` leading space` = 'upd' where `my id` = 1;
  delete from gh_ost_test where `my id` = 2;
end ;;

-- Reserved words as column and index names (select, order, from, key, where,
-- group), one of them in the primary key.
drop table if exists gh_ost_test;
create table gh_ost_test (
  `order` int not null,
  `select` varchar(16) not null,
  `from` int,
  `key` varchar(16),
  `where` date,
  `group` int,
  primary key(`order`, `select`),
  unique key `unique` (`from`),
  key `index` (`key`)
);

insert into gh_ost_test values (1, 'a', 1, 'k1', '2020-01-01', 1), (2, 'b', 2, null, null, 2), (3, 'c', 3, 'k3', '2020-01-03', null);

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
  insert into gh_ost_test values (floor(rand() * 1000000) + 10, 'ev', null, 'k', curdate(), 1)
    on duplicate key update `group` = `group` + 1;
  update gh_ost_test set `select` = concat(`select`, '+'), `group` = coalesce(`group`, 0) + 1 where `order` = 1;
  delete from gh_ost_test where `order` = 2;
end ;;

-- Unicode column and index names (the BMP only: MySQL identifiers cannot hold
-- 4-byte characters).
drop table if exists gh_ost_test;
create table gh_ost_test (
  `ñúmero` int auto_increment,
  `größe` int not null,
  `日本語` varchar(16),
  `Ωmega` varchar(16),
  primary key(`ñúmero`),
  key `índice` (`größe`)
) auto_increment=1 default charset=utf8mb4;

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
  insert into gh_ost_test values (null, 4, 'ev', '😀');
  update gh_ost_test set `größe` = `größe` + 10, `日本語` = '更新' where `ñúmero` = 1;
  delete from gh_ost_test where `ñúmero` = 2;
end ;;

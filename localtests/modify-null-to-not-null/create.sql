-- The ALTER makes nullable columns NOT NULL; no row (and no write during the
-- run) holds NULL in them.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int null,
  s varchar(16) null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'a'), (null, 2, 'b'), (null, 3, '');

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
  insert into gh_ost_test values (null, 4, 'd');
  update gh_ost_test set i = i + 1, s = concat(s, '+') where id = 1;
  delete from gh_ost_test where id = 2;
end ;;

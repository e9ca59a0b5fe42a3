-- The default ALTER (ENGINE=InnoDB) on a plain table while rows are inserted,
-- updated and deleted.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  color varchar(32),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 11, 'red'), (null, 13, 'green'), (null, 17, 'blue');
insert into gh_ost_test select null, i + 100, concat(color, '-', id) from gh_ost_test;
insert into gh_ost_test select null, i + 200, concat(color, '-', id) from gh_ost_test;

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
  insert into gh_ost_test values (null, 11, 'red');
  insert into gh_ost_test values (null, 13, 'green');
  insert into gh_ost_test values (null, 17, 'blue');
  set @last_insert_id := last_insert_id();
  update gh_ost_test set color = 'orange' where id = @last_insert_id;
  update gh_ost_test set i = i + 1 where id = 2;
  delete from gh_ost_test where id = (select min(id) from (select id from gh_ost_test) t);
end ;;

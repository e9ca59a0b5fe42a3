-- The ALTER adds a STORED and a VIRTUAL generated column: the ghost computes them
-- from the copied columns.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  a int not null,
  b varchar(20) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test (a, b) values (1, 'one'), (2, 'two'), (-3, 'minus three'), (0, '');

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
  insert into gh_ost_test (a, b) values (floor(rand() * 1000), 'ev');
  update gh_ost_test set a = a + 1, b = concat(b, '+') where id = 1;
  delete from gh_ost_test where id = 4;
end ;;

-- Another table has a foreign key referencing this one: refused (after the swap
-- the child would reference the old table).
drop table if exists gh_ost_test_child;
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int,
  primary key(id)
) auto_increment=1;
create table gh_ost_test_child (
  id int auto_increment,
  parent_id int not null,
  primary key(id),
  constraint gh_ost_test_child_fk foreign key (parent_id) references gh_ost_test (id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, 2), (null, 3);
insert into gh_ost_test_child values (null, 1), (null, 2);

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
  insert into gh_ost_test values (null, 4);
  insert into gh_ost_test_child values (null, 3);
end ;;

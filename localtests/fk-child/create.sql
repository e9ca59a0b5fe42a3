-- The table has a foreign key to a parent table: refused (the new table would
-- lose or misname the constraint).
drop table if exists gh_ost_test;
drop table if exists gh_ost_test_parent;
create table gh_ost_test_parent (
  id int not null,
  primary key(id)
);
create table gh_ost_test (
  id int auto_increment,
  parent_id int not null,
  primary key(id),
  constraint gh_ost_test_fk foreign key (parent_id) references gh_ost_test_parent (id)
) auto_increment=1;

insert into gh_ost_test_parent values (1), (2), (3);
insert into gh_ost_test values (null, 1), (null, 2), (null, 3);

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
  insert into gh_ost_test values (null, 1);
end ;;

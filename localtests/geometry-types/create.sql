-- Spatial types: GEOMETRY, POINT, LINESTRING, POLYGON (stored as SRID + WKB).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  g geometry,
  p point not null,
  l linestring,
  poly polygon,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, st_geomfromtext('POINT(1 2)'), st_geomfromtext('POINT(0 0)'), st_geomfromtext('LINESTRING(0 0, 1 1, 2 0)'),
   st_geomfromtext('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))')),
  (null, st_geomfromtext('LINESTRING(-1.5 2.25, 3 4)'), st_geomfromtext('POINT(-180 90)'), null, null),
  (null, null, st_geomfromtext('POINT(1e300 -1e-300)'), null, null);

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
  insert into gh_ost_test values (null, st_geomfromtext(concat('POINT(', rand(), ' 1)')), st_geomfromtext('POINT(5 5)'), null, null);
  update gh_ost_test set p = st_geomfromtext('POINT(9 9)'), g = null where id = 1;
  delete from gh_ost_test where id = 3;
end ;;

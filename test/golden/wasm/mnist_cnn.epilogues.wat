(func $e0 (export "e0") (param $C i32) (param $rows i32) (param $cols i32) (param $in0 i32) (param $out11 i32)
  (local $i i32)
  (local $j i32)
  (local $whole i32)
  (local $v10 v128)
  (local $v11 v128)
  (local $s10 f32)
  (local $s11 f32)
  local.get $cols
  i32.const -4
  i32.and
  local.set $whole
  i32.const 0
  local.set $i
  block
    local.get $i
    local.get $rows
    i32.ge_u
    br_if 0
    loop
      i32.const 0
      local.set $j
      block
        local.get $j
        local.get $whole
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          f32x4.add
          local.set $v10
          local.get $v10
          f32.const 0
          f32x4.splat
          f32x4.max
          local.set $v11
          local.get $out11
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $v11
          v128.store align=4
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          local.get $j
          local.get $whole
          i32.lt_u
          br_if 0
        end
      end
      local.get $whole
      local.set $j
      block
        local.get $j
        local.get $cols
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          f32.add
          local.set $s10
          local.get $s10
          f32.const 0
          f32.max
          local.set $s11
          local.get $out11
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $s11
          f32.store
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          local.get $j
          local.get $cols
          i32.lt_u
          br_if 0
        end
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      local.get $i
      local.get $rows
      i32.lt_u
      br_if 0
    end
  end
)

(func $e1 (export "e1") (param $C i32) (param $rows i32) (param $cols i32) (param $in0 i32) (param $out24 i32)
  (local $i i32)
  (local $j i32)
  (local $whole i32)
  (local $v23 v128)
  (local $v24 v128)
  (local $s23 f32)
  (local $s24 f32)
  local.get $cols
  i32.const -4
  i32.and
  local.set $whole
  i32.const 0
  local.set $i
  block
    local.get $i
    local.get $rows
    i32.ge_u
    br_if 0
    loop
      i32.const 0
      local.set $j
      block
        local.get $j
        local.get $whole
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          f32x4.add
          local.set $v23
          local.get $v23
          f32.const 0
          f32x4.splat
          f32x4.max
          local.set $v24
          local.get $out24
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $v24
          v128.store align=4
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          local.get $j
          local.get $whole
          i32.lt_u
          br_if 0
        end
      end
      local.get $whole
      local.set $j
      block
        local.get $j
        local.get $cols
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          f32.add
          local.set $s23
          local.get $s23
          f32.const 0
          f32.max
          local.set $s24
          local.get $out24
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $s24
          f32.store
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          local.get $j
          local.get $cols
          i32.lt_u
          br_if 0
        end
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      local.get $i
      local.get $rows
      i32.lt_u
      br_if 0
    end
  end
)

(func $e2 (export "e2") (param $C i32) (param $rows i32) (param $cols i32) (param $in0 i32) (param $out37 i32)
  (local $i i32)
  (local $j i32)
  (local $whole i32)
  (local $v36 v128)
  (local $v37 v128)
  (local $s36 f32)
  (local $s37 f32)
  local.get $cols
  i32.const -4
  i32.and
  local.set $whole
  i32.const 0
  local.set $i
  block
    local.get $i
    local.get $rows
    i32.ge_u
    br_if 0
    loop
      i32.const 0
      local.set $j
      block
        local.get $j
        local.get $whole
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          f32x4.add
          local.set $v36
          local.get $v36
          f32.const 0
          f32x4.splat
          f32x4.max
          local.set $v37
          local.get $out37
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $v37
          v128.store align=4
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          local.get $j
          local.get $whole
          i32.lt_u
          br_if 0
        end
      end
      local.get $whole
      local.set $j
      block
        local.get $j
        local.get $cols
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          f32.add
          local.set $s36
          local.get $s36
          f32.const 0
          f32.max
          local.set $s37
          local.get $out37
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $s37
          f32.store
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          local.get $j
          local.get $cols
          i32.lt_u
          br_if 0
        end
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      local.get $i
      local.get $rows
      i32.lt_u
      br_if 0
    end
  end
)

(func $e3 (export "e3") (param $C i32) (param $rows i32) (param $cols i32) (param $in0 i32) (param $out45 i32)
  (local $i i32)
  (local $j i32)
  (local $whole i32)
  (local $v44 v128)
  (local $v45 v128)
  (local $s44 f32)
  (local $s45 f32)
  local.get $cols
  i32.const -4
  i32.and
  local.set $whole
  i32.const 0
  local.set $i
  block
    local.get $i
    local.get $rows
    i32.ge_u
    br_if 0
    loop
      i32.const 0
      local.set $j
      block
        local.get $j
        local.get $whole
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          f32x4.add
          local.set $v44
          local.get $v44
          f32.const 0
          f32x4.splat
          f32x4.max
          local.set $v45
          local.get $out45
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $v45
          v128.store align=4
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          local.get $j
          local.get $whole
          i32.lt_u
          br_if 0
        end
      end
      local.get $whole
      local.set $j
      block
        local.get $j
        local.get $cols
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          f32.add
          local.set $s44
          local.get $s44
          f32.const 0
          f32.max
          local.set $s45
          local.get $out45
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $s45
          f32.store
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          local.get $j
          local.get $cols
          i32.lt_u
          br_if 0
        end
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      local.get $i
      local.get $rows
      i32.lt_u
      br_if 0
    end
  end
)

(func $e4 (export "e4") (param $C i32) (param $rows i32) (param $cols i32) (param $in0 i32) (param $out51 i32)
  (local $i i32)
  (local $j i32)
  (local $whole i32)
  (local $v51 v128)
  (local $s51 f32)
  local.get $cols
  i32.const -4
  i32.and
  local.set $whole
  i32.const 0
  local.set $i
  block
    local.get $i
    local.get $rows
    i32.ge_u
    br_if 0
    loop
      i32.const 0
      local.set $j
      block
        local.get $j
        local.get $whole
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          v128.load align=4
          f32x4.add
          local.set $v51
          local.get $out51
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $v51
          v128.store align=4
          local.get $j
          i32.const 4
          i32.add
          local.set $j
          local.get $j
          local.get $whole
          i32.lt_u
          br_if 0
        end
      end
      local.get $whole
      local.set $j
      block
        local.get $j
        local.get $cols
        i32.ge_u
        br_if 0
        loop
          local.get $C
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          local.get $in0
          i32.const 0
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          f32.load
          f32.add
          local.set $s51
          local.get $out51
          local.get $i
          local.get $cols
          i32.mul
          local.get $j
          i32.add
          i32.const 4
          i32.mul
          i32.add
          local.get $s51
          f32.store
          local.get $j
          i32.const 1
          i32.add
          local.set $j
          local.get $j
          local.get $cols
          i32.lt_u
          br_if 0
        end
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      local.get $i
      local.get $rows
      i32.lt_u
      br_if 0
    end
  end
)

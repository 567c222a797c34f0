(module
  (import "env" "memory" (memory 1 65536))
  (func $window (export "window") (param $win i32) (param $img i32) (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32) (param $KH i32) (param $KW i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32) (param $ph i32) (param $pw i32) (param $fill f32)
    (local $b i32)
    (local $oh i32)
    (local $ow i32)
    (local $kh i32)
    (local $kw i32)
    (local $u i32)
    (local $lo i32)
    (local $hi i32)
    (local $h i32)
    (local $w i32)
    (local $src i32)
    (local $dst i32)
    (local $i i32)
    (local $whole i32)
    (local $end i32)
    (local $chanBytes i32)
    (local $rowBytes i32)
    (local $imgRowStep i32)
    (local $kwStep i32)
    (local $first i32)
    (local $left i32)
    (local $span i32)
    (local $fillVector v128)
    local.get $fill
    f32x4.splat
    local.set $fillVector
    local.get $C
    i32.const 4
    i32.mul
    local.set $chanBytes
    local.get $KW
    local.get $chanBytes
    i32.mul
    local.set $rowBytes
    local.get $dh
    local.get $W
    i32.mul
    local.get $chanBytes
    i32.mul
    local.set $imgRowStep
    local.get $dw
    local.get $chanBytes
    i32.mul
    local.set $kwStep
    local.get $win
    local.set $w
    i32.const 0
    local.set $b
    block
      local.get $b
      local.get $N
      i32.ge_u
      br_if 0
      loop
        i32.const 0
        local.set $oh
        block
          local.get $oh
          local.get $OH
          i32.ge_u
          br_if 0
          loop
            i32.const 0
            local.set $ow
            block
              local.get $ow
              local.get $OW
              i32.ge_u
              br_if 0
              loop
                i32.const 0
                local.set $lo
                i32.const 0
                local.set $hi
                local.get $ow
                local.get $sw
                i32.mul
                local.set $u
                i32.const 0
                local.set $kw
                block
                  local.get $kw
                  local.get $KW
                  i32.ge_u
                  br_if 0
                  loop
                    local.get $lo
                    local.get $u
                    local.get $pw
                    i32.lt_u
                    i32.add
                    local.set $lo
                    local.get $hi
                    local.get $u
                    local.get $pw
                    i32.sub
                    local.get $W
                    i32.lt_u
                    i32.add
                    local.set $hi
                    local.get $u
                    local.get $dw
                    i32.add
                    local.set $u
                    local.get $kw
                    i32.const 1
                    i32.add
                    local.set $kw
                    local.get $kw
                    local.get $KW
                    i32.lt_u
                    br_if 0
                  end
                end
                local.get $hi
                local.get $lo
                i32.add
                local.set $hi
                local.get $oh
                local.get $sh
                i32.mul
                local.get $ph
                i32.sub
                local.set $h
                local.get $img
                local.get $b
                local.get $H
                i32.mul
                local.get $h
                i32.add
                local.get $W
                i32.mul
                local.get $ow
                local.get $sw
                i32.mul
                i32.add
                local.get $lo
                local.get $dw
                i32.mul
                i32.add
                local.get $pw
                i32.sub
                local.get $chanBytes
                i32.mul
                i32.add
                local.set $first
                local.get $lo
                local.get $chanBytes
                i32.mul
                local.set $left
                local.get $hi
                local.get $lo
                i32.sub
                local.get $C
                i32.mul
                local.set $span
                i32.const 0
                local.set $kh
                block
                  local.get $kh
                  local.get $KH
                  i32.ge_u
                  br_if 0
                  loop
                    local.get $h
                    local.get $H
                    i32.lt_u
                    local.get $lo
                    local.get $hi
                    i32.lt_u
                    i32.and
                    if
                      local.get $lo
                      if
                        local.get $lo
                        local.get $C
                        i32.mul
                        i32.const 4
                        i32.mul
                        local.set $end
                        local.get $end
                        i32.const -16
                        i32.and
                        local.set $whole
                        i32.const 0
                        local.set $i
                        block
                          local.get $i
                          local.get $whole
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $w
                            local.get $i
                            i32.add
                            local.get $fillVector
                            v128.store align=4
                            local.get $i
                            i32.const 16
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $whole
                            i32.lt_u
                            br_if 0
                          end
                        end
                        local.get $whole
                        local.set $i
                        block
                          local.get $i
                          local.get $end
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $w
                            local.get $i
                            i32.add
                            local.get $fill
                            f32.store
                            local.get $i
                            i32.const 4
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $end
                            i32.lt_u
                            br_if 0
                          end
                        end
                      end
                      local.get $first
                      local.set $src
                      local.get $w
                      local.get $left
                      i32.add
                      local.set $dst
                      local.get $dw
                      i32.const 1
                      i32.sub
                      i32.eqz
                      if
                        local.get $span
                        i32.const 4
                        i32.mul
                        local.set $end
                        local.get $end
                        i32.const -16
                        i32.and
                        local.set $whole
                        i32.const 0
                        local.set $i
                        block
                          local.get $i
                          local.get $whole
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $dst
                            local.get $i
                            i32.add
                            local.get $src
                            local.get $i
                            i32.add
                            v128.load align=4
                            v128.store align=4
                            local.get $i
                            i32.const 16
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $whole
                            i32.lt_u
                            br_if 0
                          end
                        end
                        local.get $whole
                        local.set $i
                        block
                          local.get $i
                          local.get $end
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $dst
                            local.get $i
                            i32.add
                            local.get $src
                            local.get $i
                            i32.add
                            f32.load
                            f32.store
                            local.get $i
                            i32.const 4
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $end
                            i32.lt_u
                            br_if 0
                          end
                        end
                      else
                        local.get $lo
                        local.set $kw
                        block
                          local.get $kw
                          local.get $hi
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $C
                            i32.const 4
                            i32.mul
                            local.set $end
                            local.get $end
                            i32.const -16
                            i32.and
                            local.set $whole
                            i32.const 0
                            local.set $i
                            block
                              local.get $i
                              local.get $whole
                              i32.ge_u
                              br_if 0
                              loop
                                local.get $dst
                                local.get $i
                                i32.add
                                local.get $src
                                local.get $i
                                i32.add
                                v128.load align=4
                                v128.store align=4
                                local.get $i
                                i32.const 16
                                i32.add
                                local.set $i
                                local.get $i
                                local.get $whole
                                i32.lt_u
                                br_if 0
                              end
                            end
                            local.get $whole
                            local.set $i
                            block
                              local.get $i
                              local.get $end
                              i32.ge_u
                              br_if 0
                              loop
                                local.get $dst
                                local.get $i
                                i32.add
                                local.get $src
                                local.get $i
                                i32.add
                                f32.load
                                f32.store
                                local.get $i
                                i32.const 4
                                i32.add
                                local.set $i
                                local.get $i
                                local.get $end
                                i32.lt_u
                                br_if 0
                              end
                            end
                            local.get $src
                            local.get $kwStep
                            i32.add
                            local.set $src
                            local.get $dst
                            local.get $chanBytes
                            i32.add
                            local.set $dst
                            local.get $kw
                            i32.const 1
                            i32.add
                            local.set $kw
                            local.get $kw
                            local.get $hi
                            i32.lt_u
                            br_if 0
                          end
                        end
                      end
                      local.get $hi
                      local.get $KW
                      i32.lt_u
                      if
                        local.get $w
                        local.get $hi
                        local.get $chanBytes
                        i32.mul
                        i32.add
                        local.set $dst
                        local.get $KW
                        local.get $hi
                        i32.sub
                        local.get $C
                        i32.mul
                        i32.const 4
                        i32.mul
                        local.set $end
                        local.get $end
                        i32.const -16
                        i32.and
                        local.set $whole
                        i32.const 0
                        local.set $i
                        block
                          local.get $i
                          local.get $whole
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $dst
                            local.get $i
                            i32.add
                            local.get $fillVector
                            v128.store align=4
                            local.get $i
                            i32.const 16
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $whole
                            i32.lt_u
                            br_if 0
                          end
                        end
                        local.get $whole
                        local.set $i
                        block
                          local.get $i
                          local.get $end
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $dst
                            local.get $i
                            i32.add
                            local.get $fill
                            f32.store
                            local.get $i
                            i32.const 4
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $end
                            i32.lt_u
                            br_if 0
                          end
                        end
                      end
                    else
                      local.get $KW
                      local.get $C
                      i32.mul
                      i32.const 4
                      i32.mul
                      local.set $end
                      local.get $end
                      i32.const -16
                      i32.and
                      local.set $whole
                      i32.const 0
                      local.set $i
                      block
                        local.get $i
                        local.get $whole
                        i32.ge_u
                        br_if 0
                        loop
                          local.get $w
                          local.get $i
                          i32.add
                          local.get $fillVector
                          v128.store align=4
                          local.get $i
                          i32.const 16
                          i32.add
                          local.set $i
                          local.get $i
                          local.get $whole
                          i32.lt_u
                          br_if 0
                        end
                      end
                      local.get $whole
                      local.set $i
                      block
                        local.get $i
                        local.get $end
                        i32.ge_u
                        br_if 0
                        loop
                          local.get $w
                          local.get $i
                          i32.add
                          local.get $fill
                          f32.store
                          local.get $i
                          i32.const 4
                          i32.add
                          local.set $i
                          local.get $i
                          local.get $end
                          i32.lt_u
                          br_if 0
                        end
                      end
                    end
                    local.get $h
                    local.get $dh
                    i32.add
                    local.set $h
                    local.get $first
                    local.get $imgRowStep
                    i32.add
                    local.set $first
                    local.get $w
                    local.get $rowBytes
                    i32.add
                    local.set $w
                    local.get $kh
                    i32.const 1
                    i32.add
                    local.set $kh
                    local.get $kh
                    local.get $KH
                    i32.lt_u
                    br_if 0
                  end
                end
                local.get $ow
                i32.const 1
                i32.add
                local.set $ow
                local.get $ow
                local.get $OW
                i32.lt_u
                br_if 0
              end
            end
            local.get $oh
            i32.const 1
            i32.add
            local.set $oh
            local.get $oh
            local.get $OH
            i32.lt_u
            br_if 0
          end
        end
        local.get $b
        i32.const 1
        i32.add
        local.set $b
        local.get $b
        local.get $N
        i32.lt_u
        br_if 0
      end
    end
  )
  (func $unwindow (export "unwindow") (param $img i32) (param $win i32) (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32) (param $KH i32) (param $KW i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32) (param $ph i32) (param $pw i32)
    (local $b i32)
    (local $oh i32)
    (local $ow i32)
    (local $kh i32)
    (local $kw i32)
    (local $u i32)
    (local $lo i32)
    (local $hi i32)
    (local $h i32)
    (local $w i32)
    (local $src i32)
    (local $dst i32)
    (local $i i32)
    (local $whole i32)
    (local $end i32)
    (local $chanBytes i32)
    (local $rowBytes i32)
    (local $imgRowStep i32)
    (local $kwStep i32)
    (local $first i32)
    (local $left i32)
    (local $span i32)
    (local $fillVector v128)
    f32.const 0
    f32x4.splat
    local.set $fillVector
    local.get $C
    i32.const 4
    i32.mul
    local.set $chanBytes
    local.get $KW
    local.get $chanBytes
    i32.mul
    local.set $rowBytes
    local.get $dh
    local.get $W
    i32.mul
    local.get $chanBytes
    i32.mul
    local.set $imgRowStep
    local.get $dw
    local.get $chanBytes
    i32.mul
    local.set $kwStep
    local.get $N
    local.get $H
    i32.mul
    local.get $W
    i32.mul
    local.get $C
    i32.mul
    i32.const 4
    i32.mul
    local.set $end
    local.get $end
    i32.const -16
    i32.and
    local.set $whole
    i32.const 0
    local.set $i
    block
      local.get $i
      local.get $whole
      i32.ge_u
      br_if 0
      loop
        local.get $img
        local.get $i
        i32.add
        local.get $fillVector
        v128.store align=4
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        local.get $i
        local.get $whole
        i32.lt_u
        br_if 0
      end
    end
    local.get $whole
    local.set $i
    block
      local.get $i
      local.get $end
      i32.ge_u
      br_if 0
      loop
        local.get $img
        local.get $i
        i32.add
        f32.const 0
        f32.store
        local.get $i
        i32.const 4
        i32.add
        local.set $i
        local.get $i
        local.get $end
        i32.lt_u
        br_if 0
      end
    end
    local.get $win
    local.set $w
    i32.const 0
    local.set $b
    block
      local.get $b
      local.get $N
      i32.ge_u
      br_if 0
      loop
        i32.const 0
        local.set $oh
        block
          local.get $oh
          local.get $OH
          i32.ge_u
          br_if 0
          loop
            i32.const 0
            local.set $ow
            block
              local.get $ow
              local.get $OW
              i32.ge_u
              br_if 0
              loop
                i32.const 0
                local.set $lo
                i32.const 0
                local.set $hi
                local.get $ow
                local.get $sw
                i32.mul
                local.set $u
                i32.const 0
                local.set $kw
                block
                  local.get $kw
                  local.get $KW
                  i32.ge_u
                  br_if 0
                  loop
                    local.get $lo
                    local.get $u
                    local.get $pw
                    i32.lt_u
                    i32.add
                    local.set $lo
                    local.get $hi
                    local.get $u
                    local.get $pw
                    i32.sub
                    local.get $W
                    i32.lt_u
                    i32.add
                    local.set $hi
                    local.get $u
                    local.get $dw
                    i32.add
                    local.set $u
                    local.get $kw
                    i32.const 1
                    i32.add
                    local.set $kw
                    local.get $kw
                    local.get $KW
                    i32.lt_u
                    br_if 0
                  end
                end
                local.get $hi
                local.get $lo
                i32.add
                local.set $hi
                local.get $oh
                local.get $sh
                i32.mul
                local.get $ph
                i32.sub
                local.set $h
                local.get $img
                local.get $b
                local.get $H
                i32.mul
                local.get $h
                i32.add
                local.get $W
                i32.mul
                local.get $ow
                local.get $sw
                i32.mul
                i32.add
                local.get $lo
                local.get $dw
                i32.mul
                i32.add
                local.get $pw
                i32.sub
                local.get $chanBytes
                i32.mul
                i32.add
                local.set $first
                local.get $lo
                local.get $chanBytes
                i32.mul
                local.set $left
                local.get $hi
                local.get $lo
                i32.sub
                local.get $C
                i32.mul
                local.set $span
                i32.const 0
                local.set $kh
                block
                  local.get $kh
                  local.get $KH
                  i32.ge_u
                  br_if 0
                  loop
                    local.get $h
                    local.get $H
                    i32.lt_u
                    local.get $lo
                    local.get $hi
                    i32.lt_u
                    i32.and
                    if
                      local.get $first
                      local.set $src
                      local.get $w
                      local.get $left
                      i32.add
                      local.set $dst
                      local.get $dw
                      i32.const 1
                      i32.sub
                      i32.eqz
                      if
                        local.get $span
                        i32.const 4
                        i32.mul
                        local.set $end
                        local.get $end
                        i32.const -16
                        i32.and
                        local.set $whole
                        i32.const 0
                        local.set $i
                        block
                          local.get $i
                          local.get $whole
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $src
                            local.get $i
                            i32.add
                            local.get $src
                            local.get $i
                            i32.add
                            v128.load align=4
                            local.get $dst
                            local.get $i
                            i32.add
                            v128.load align=4
                            f32x4.add
                            v128.store align=4
                            local.get $i
                            i32.const 16
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $whole
                            i32.lt_u
                            br_if 0
                          end
                        end
                        local.get $whole
                        local.set $i
                        block
                          local.get $i
                          local.get $end
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $src
                            local.get $i
                            i32.add
                            local.get $src
                            local.get $i
                            i32.add
                            f32.load
                            local.get $dst
                            local.get $i
                            i32.add
                            f32.load
                            f32.add
                            f32.store
                            local.get $i
                            i32.const 4
                            i32.add
                            local.set $i
                            local.get $i
                            local.get $end
                            i32.lt_u
                            br_if 0
                          end
                        end
                      else
                        local.get $lo
                        local.set $kw
                        block
                          local.get $kw
                          local.get $hi
                          i32.ge_u
                          br_if 0
                          loop
                            local.get $C
                            i32.const 4
                            i32.mul
                            local.set $end
                            local.get $end
                            i32.const -16
                            i32.and
                            local.set $whole
                            i32.const 0
                            local.set $i
                            block
                              local.get $i
                              local.get $whole
                              i32.ge_u
                              br_if 0
                              loop
                                local.get $src
                                local.get $i
                                i32.add
                                local.get $src
                                local.get $i
                                i32.add
                                v128.load align=4
                                local.get $dst
                                local.get $i
                                i32.add
                                v128.load align=4
                                f32x4.add
                                v128.store align=4
                                local.get $i
                                i32.const 16
                                i32.add
                                local.set $i
                                local.get $i
                                local.get $whole
                                i32.lt_u
                                br_if 0
                              end
                            end
                            local.get $whole
                            local.set $i
                            block
                              local.get $i
                              local.get $end
                              i32.ge_u
                              br_if 0
                              loop
                                local.get $src
                                local.get $i
                                i32.add
                                local.get $src
                                local.get $i
                                i32.add
                                f32.load
                                local.get $dst
                                local.get $i
                                i32.add
                                f32.load
                                f32.add
                                f32.store
                                local.get $i
                                i32.const 4
                                i32.add
                                local.set $i
                                local.get $i
                                local.get $end
                                i32.lt_u
                                br_if 0
                              end
                            end
                            local.get $src
                            local.get $kwStep
                            i32.add
                            local.set $src
                            local.get $dst
                            local.get $chanBytes
                            i32.add
                            local.set $dst
                            local.get $kw
                            i32.const 1
                            i32.add
                            local.set $kw
                            local.get $kw
                            local.get $hi
                            i32.lt_u
                            br_if 0
                          end
                        end
                      end
                    end
                    local.get $h
                    local.get $dh
                    i32.add
                    local.set $h
                    local.get $first
                    local.get $imgRowStep
                    i32.add
                    local.set $first
                    local.get $w
                    local.get $rowBytes
                    i32.add
                    local.set $w
                    local.get $kh
                    i32.const 1
                    i32.add
                    local.set $kh
                    local.get $kh
                    local.get $KH
                    i32.lt_u
                    br_if 0
                  end
                end
                local.get $ow
                i32.const 1
                i32.add
                local.set $ow
                local.get $ow
                local.get $OW
                i32.lt_u
                br_if 0
              end
            end
            local.get $oh
            i32.const 1
            i32.add
            local.set $oh
            local.get $oh
            local.get $OH
            i32.lt_u
            br_if 0
          end
        end
        local.get $b
        i32.const 1
        i32.add
        local.set $b
        local.get $b
        local.get $N
        i32.lt_u
        br_if 0
      end
    end
  )
)

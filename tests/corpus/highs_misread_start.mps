NAME        
OBJSENSE
  MAX
ROWS
 N  Obj     
 L  r0      
 L  r1      
 L  r2      
 L  r3      
 L  r4      
 G  r5      
 G  r6      
 L  r7      
 L  r8      
 L  r9      
 L  r10     
 G  r11     
 L  r12     
 L  r13     
 L  r14     
 L  r15     
 L  r16     
 L  r17     
 L  r18     
 L  r19     
 L  r20     
 L  r21     
 G  r22     
 G  r23     
COLUMNS
    MARK0000  'MARKER'                 'INTORG'
    c0        Obj       7.804898788165862
    c0        r4        170
    c0        r6        1
    c0        r7        170
    c0        r10       -1
    c0        r17       1
    c0        r22       -1
    c1        r0        0.85999999999999999
    c1        r1        -1
    c1        r5        1
    c1        r8        -1
    c1        r13       1
    c1        r22       -1
    c2        Obj       5.3952277711299939
    c2        r4        110
    c2        r9        -1
    c2        r15       1
    c2        r22       1
    c3        Obj       8.3227641768146849
    c3        r4        20
    c3        r6        1
    c3        r7        20
    c3        r10       -1
    c3        r18       1
    c3        r22       -1
    c3        r23       6.4354868999029513
    c4        r2        0.47999999999999998
    c4        r3        -1
    c4        r6        1
    c4        r10       -1
    c4        r12       1
    c4        r19       1
    c4        r22       -1
    c5        Obj       1.7422880592886372
    c5        r4        30
    c5        r9        -1
    c5        r16       1
    c5        r22       1
    c6        Obj       7.7706430182302064
    c6        r4        40
    c6        r5        1
    c6        r8        -1
    c6        r12       -1
    c6        r14       1
    c6        r22       -1
    c6        r23       0.63312718781157518
    c7        Obj       2.5546602346589649
    c7        r4        190
    c7        r6        1
    c7        r7        190
    c7        r10       -1
    c7        r20       1
    c7        r22       -1
    MARK0001  'MARKER'                 'INTEND'
    c8        Obj       6.3682843331780301
    c8        r0        -1
    c8        r1        1
    c8        r4        40
    c8        r23       6.3682843331780301
    c9        Obj       3.1226232401985392
    c9        r2        -1
    c9        r3        1
    c9        r4        130
    c9        r7        130
    c9        r23       1.3746978164845107
    MARK0002  'MARKER'                 'INTORG'
    c10       r8        1
    c10       r11       1
    c11       r9        1
    c11       r11       1
    c12       r10       1
    c12       r11       1
    c13       r13       -1
    c13       r14       -1
    c13       r21       1
    c14       r15       -1
    c14       r16       -1
    c14       r21       1
    c15       r17       -1
    c15       r18       -1
    c15       r19       -1
    c15       r20       -1
    c15       r21       1
    MARK0003  'MARKER'                 'INTEND'
RHS
    RHS_V     r4        718.60000000000002
    RHS_V     r5        1
    RHS_V     r6        1
    RHS_V     r7        481.54996524713249
    RHS_V     r11       1
    RHS_V     r21       2
    RHS_V     r22       -3
    RHS_V     r23       -4.7435051250221782
BOUNDS
 BV BOUND     c0      
 BV BOUND     c1      
 BV BOUND     c2      
 BV BOUND     c3      
 BV BOUND     c4      
 BV BOUND     c5      
 BV BOUND     c6      
 BV BOUND     c7      
 UP BOUND     c8        1
 UP BOUND     c9        1
 BV BOUND     c10     
 BV BOUND     c11     
 BV BOUND     c12     
 BV BOUND     c13     
 BV BOUND     c14     
 BV BOUND     c15     
ENDATA

// Request-network endpoint of a PE: executes WRITE and READ packets against the
// PE address space through a bus master port, and answers READ with an RDATA
// packet on the response network. Works whether or not the core runs, which is
// how the host loads imem/dmem and releases the core (CTRL register).
`default_nettype none

module wl_pe_reqif (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [5:0]  x_i,
  input  logic [5:0]  y_i,
  // request network, router -> PE
  input  logic        req_valid_i,
  output logic        req_ready_o,
  input  logic [31:0] req_data_i,
  input  logic        req_last_i,
  // response network, PE -> router
  output logic        rsp_valid_o,
  input  logic        rsp_ready_i,
  output logic [31:0] rsp_data_o,
  output logic        rsp_last_o,
  // bus master: one word per granted request; read data the cycle after
  output logic        m_req_o,
  output logic        m_we_o,
  output logic [31:0] m_addr_o,
  output logic [31:0] m_wdata_o,
  input  logic        m_gnt_i,
  input  logic [31:0] m_rdata_i
);
  localparam logic [3:0] OpWrite = 4'd0, OpRead = 4'd1, OpRdata = 4'd2;
  localparam logic [3:0] SHdr = 4'd0, SAddr = 4'd1, SWr = 4'd2, SRCnt = 4'd3, SRDrain = 4'd4,
                         SRHdr = 4'd5, SRAddr = 4'd6, SRReq = 4'd7, SRWait = 4'd8,
                         SRSend = 4'd9, SDrop = 4'd10;

  logic [3:0]  st_q, st_d;
  logic [31:0] hdr_q, addr_q, cnt_q, rd_q;
  logic        take;

  assign take = req_valid_i && req_ready_o;
  logic unused_hdr;
  assign unused_hdr = ^hdr_q[11:0];  // destination: the router already matched it

  always_comb begin
    st_d = st_q;
    req_ready_o = 1'b0;
    rsp_valid_o = 1'b0; rsp_data_o = 32'd0; rsp_last_o = 1'b0;
    m_req_o = 1'b0; m_we_o = 1'b0; m_addr_o = {addr_q[31:2], 2'b00}; m_wdata_o = req_data_i;
    case (st_q)
      SHdr: begin
        req_ready_o = 1'b1;
        if (req_valid_i && !req_last_i) st_d = SAddr;  // a lone header is dropped
      end
      SAddr: begin
        req_ready_o = 1'b1;
        if (req_valid_i) begin
          if (req_last_i) st_d = SHdr;
          else if (hdr_q[27:24] == OpWrite) st_d = SWr;
          else if (hdr_q[27:24] == OpRead) st_d = SRCnt;
          else st_d = SDrop;
        end
      end
      SWr: begin
        m_req_o = req_valid_i; m_we_o = 1'b1;
        req_ready_o = m_gnt_i;
        if (take && req_last_i) st_d = SHdr;
      end
      SRCnt: begin
        req_ready_o = 1'b1;
        if (req_valid_i) st_d = req_last_i ? SRHdr : SRDrain;
      end
      SRDrain: begin
        req_ready_o = 1'b1;
        if (req_valid_i && req_last_i) st_d = SRHdr;
      end
      SRHdr: begin
        rsp_valid_o = 1'b1;
        rsp_data_o  = {hdr_q[31:28], OpRdata, y_i, x_i, hdr_q[23:18], hdr_q[17:12]};
        if (rsp_ready_i) st_d = SRAddr;
      end
      SRAddr: begin
        rsp_valid_o = 1'b1; rsp_data_o = addr_q; rsp_last_o = (cnt_q == 32'd0);
        if (rsp_ready_i) st_d = (cnt_q == 32'd0) ? SHdr : SRReq;
      end
      SRReq: begin
        m_req_o = 1'b1;
        if (m_gnt_i) st_d = SRWait;
      end
      SRWait: st_d = SRSend;
      SRSend: begin
        rsp_valid_o = 1'b1; rsp_data_o = rd_q; rsp_last_o = (cnt_q == 32'd1);
        if (rsp_ready_i) st_d = (cnt_q == 32'd1) ? SHdr : SRReq;
      end
      default: begin  // SDrop: unknown op, consume to the end of the packet
        req_ready_o = 1'b1;
        if (req_valid_i && req_last_i) st_d = SHdr;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= SHdr; hdr_q <= 32'd0; addr_q <= 32'd0; cnt_q <= 32'd0; rd_q <= 32'd0;
    end else begin
      st_q <= st_d;
      if (st_q == SHdr && take) hdr_q <= req_data_i;
      if (st_q == SAddr && take) addr_q <= req_data_i;
      if (st_q == SRCnt && take) cnt_q <= req_data_i;
      if (st_q == SWr && take) addr_q <= addr_q + 32'd4;
      if (st_q == SRWait) rd_q <= m_rdata_i;
      if (st_q == SRSend && rsp_ready_i) begin
        cnt_q <= cnt_q - 32'd1; addr_q <= addr_q + 32'd4;
      end
    end
  end
endmodule

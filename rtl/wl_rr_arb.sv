`default_nettype none
// Round-robin arbiter for one router output. Once it offers a requester it keeps
// offering that requester until the transfer happens, so valid/data stay stable
// while ready is low; keep_i extends the grant past a transfer (wormhole packets).
// The pointer moves past the winner only when its grant ends, which makes it fair.
// valid_o and idx_o depend on req_i and registers only, never on the ready side.
module wl_rr_arb #(
  parameter int N    = 5,
  parameter int IdxW = 3
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic [N-1:0]    req_i,
  input  logic            xfer_i,  // the offered requester was served this cycle
  input  logic            keep_i,  // keep the grant after this transfer
  output logic            valid_o,
  output logic [IdxW-1:0] idx_o
);
  logic [IdxW-1:0] ptr_q, hold_idx_q, pick, nxt;
  logic            hold_q, found;
  logic [IdxW:0]   j;
  integer          k;

  always_comb begin
    pick  = ptr_q;
    found = 1'b0;
    j     = '0;
    for (k = 0; k < N; k = k + 1) begin
      j = {1'b0, ptr_q} + k[IdxW:0];
      if (j >= N[IdxW:0]) j = j - N[IdxW:0];
      if (!found && req_i[j[IdxW-1:0]]) begin
        pick  = j[IdxW-1:0];
        found = 1'b1;
      end
    end
  end

  assign idx_o   = hold_q ? hold_idx_q : pick;
  assign valid_o = hold_q ? req_i[hold_idx_q] : found;
  assign nxt     = (idx_o == IdxW'(N - 1)) ? '0 : idx_o + 1'b1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ptr_q      <= '0;
      hold_q     <= 1'b0;
      hold_idx_q <= '0;
    end else begin
      hold_idx_q <= idx_o;
      if (valid_o) hold_q <= !xfer_i || keep_i;
      if (xfer_i && !keep_i) ptr_q <= nxt;
    end
  end
endmodule

`default_nettype none
// Round-robin arbiter for one router output. Once it offers a requester it keeps
// offering that requester until the transfer happens, so valid/data stay stable
// while ready is low; keep_i extends the grant past a transfer (wormhole packets).
// The priority moves past the winner when its grant ends, which makes it fair.
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
  logic [N-1:0]    mask_q;       // requesters after the last winner
  logic [IdxW-1:0] hold_idx_q, first_hi, first_all;
  logic            hold_q, any_hi;
  logic [N-1:0]    req_hi;

  // Lowest-numbered request above the last winner, else lowest overall.
  assign req_hi = req_i & mask_q;
  always_comb begin
    first_hi  = '0;
    first_all = '0;
    for (int i = N - 1; i >= 0; i--) begin
      if (req_hi[i]) first_hi = IdxW'(i);
      if (req_i[i])  first_all = IdxW'(i);
    end
  end
  assign any_hi  = |req_hi;
  assign idx_o   = hold_q ? hold_idx_q : (any_hi ? first_hi : first_all);
  assign valid_o = hold_q ? req_i[hold_idx_q] : |req_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mask_q     <= '0;
      hold_q     <= 1'b0;
      hold_idx_q <= '0;
    end else begin
      hold_idx_q <= idx_o;
      if (valid_o) hold_q <= !xfer_i || keep_i;
      if (xfer_i && !keep_i) begin
        for (int i = 0; i < N; i++) mask_q[i] <= (IdxW'(i) > idx_o);
      end
    end
  end
endmodule

//! Error codes the APIs answer with; the message always names the reason and the value.

/// The bytes are not a well-formed signed transaction.
pub const MALFORMED_TX: i32 = -32001;
/// Well-formed, but not valid on the chain (signature, unknown input, double spend, balance…).
pub const INVALID_TX: i32 = -32002;
/// The node is at capacity; retry later.
pub const BUSY: i32 = -32003;
/// A request over a limit (batch size, page size).
pub const LIMIT: i32 = -32004;
/// Nothing at that block, hash or position.
pub const NOT_FOUND: i32 = -32005;
/// The node failed internally (storage); the request was not acknowledged.
pub const INTERNAL: i32 = -32006;
/// An input is exiting on the root chain, or has left through an exit (the message names
/// the exit): it cannot be spent on the child chain while that exit may pay it out.
pub const EXITING: i32 = -32007;
/// The transaction leaves less fee than the schedule asks; the message quotes the fee owed
/// in each accepted token (`plasma_getFees` has the schedule). Apart from jsonrpsee's own
/// server codes (-32007 to -32011: request, response and batch limits, busy).
pub const FEE_TOO_LOW: i32 = -32020;

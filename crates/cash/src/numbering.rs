//! Block numbering of the Plasma Cash root chain, shared with Plasma Debit: see
//! [`plasma_primitives::coin_blocks`].

pub use plasma_primitives::coin_blocks::{
    BLOCK_INTERVAL, is_deposit_block, is_operator_block, next_operator_block,
};

//! A contract at an address on a root chain: what every contract client (the payment chain's
//! aside, which drives several contracts) is built on. Deploys or attaches, reads views and
//! sends typed calls; the client adds the contract's own functions and events.

use crate::{Receipt, Result, RootChain, RootChainError, TxRequest};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use std::sync::Arc;

/// A deployed contract and the root-chain client that reaches it.
pub struct BoundContract<C> {
    chain: Arc<C>,
    address: Address,
}

impl<C: RootChain> BoundContract<C> {
    /// Deploys `code` (init code with its constructor arguments) from `deployer`; `name`
    /// names the contract in the error if nothing was created.
    pub async fn deploy(
        chain: Arc<C>,
        deployer: Address,
        code: Vec<u8>,
        name: &str,
    ) -> Result<Self> {
        let receipt = chain.send(TxRequest::create(deployer, code)).await?;
        let address = receipt
            .contract_address
            .ok_or_else(|| RootChainError::NoContractCreated(name.into()))?;
        Self::attach(chain, address).await
    }

    /// Uses an existing deployment, after checking the address holds code.
    pub async fn attach(chain: Arc<C>, address: Address) -> Result<Self> {
        chain.ensure_code(address).await?;
        Ok(Self { chain, address })
    }

    /// The contract's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The root-chain client.
    pub fn chain(&self) -> &Arc<C> {
        &self.chain
    }

    /// Calls the view `call` and decodes what it returns.
    pub async fn view<T: SolCall>(&self, call: T) -> Result<T::Return> {
        let out = self.chain.call(TxRequest::call(Address::ZERO, self.address, call.abi_encode()));
        T::abi_decode_returns(&out.await?)
            .map_err(|e| RootChainError::BadReturn { call: T::SIGNATURE, reason: e.to_string() })
    }

    /// Sends `call` from `from` with `value` wei attached.
    pub async fn send<T: SolCall>(&self, from: Address, call: T, value: U256) -> Result<Receipt> {
        let tx = TxRequest::call(from, self.address, call.abi_encode()).with_value(value);
        self.chain.send(tx).await
    }
}

//! A minimal embedded EVM for running contract bytecode in tests: deploy, then call.

use alloy_primitives::{Address, Bytes, TxKind, U256, address};
use alloy_sol_types::SolCall;
use revm::{
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetEvm,
    context::{BlockEnv, CfgEnv, TxEnv, result::ExecutionResult},
    database::{CacheDB, EmptyDB},
    primitives::hardfork::SpecId,
    state::AccountInfo,
};

const CHAIN_ID: u64 = 31337;
const DEPLOYER: Address = address!("0x1000000000000000000000000000000000000001");

type Ctx = Context<BlockEnv, TxEnv, CfgEnv, CacheDB<EmptyDB>>;

/// What a call ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Returned these bytes.
    Returned(Bytes),
    /// Reverted with these bytes (a custom error's selector and arguments).
    Reverted(Bytes),
    /// Halted (out of gas, invalid opcode…).
    Halted(String),
}

pub(crate) struct Evm {
    evm: MainnetEvm<Ctx>,
    nonce: u64,
}

impl Evm {
    pub(crate) fn new() -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        db.insert_account_info(DEPLOYER, AccountInfo::from_balance(U256::from(10u128.pow(24))));
        let evm = Context::mainnet()
            .with_db(db)
            .modify_cfg_chained(|cfg| {
                cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN);
                cfg.chain_id = CHAIN_ID;
            })
            .with_block(BlockEnv { gas_limit: 30_000_000, ..Default::default() })
            .build_mainnet();
        Self { evm, nonce: 0 }
    }

    fn tx(&self, kind: TxKind, data: Bytes) -> TxEnv {
        TxEnv::builder()
            .caller(DEPLOYER)
            .kind(kind)
            .data(data)
            .nonce(self.nonce)
            .chain_id(Some(CHAIN_ID))
            .gas_limit(15_000_000)
            .build()
            .expect("a complete transaction")
    }

    /// Deploys init code and returns the new contract's address.
    pub(crate) fn deploy(&mut self, init_code: &Bytes) -> Address {
        let tx = self.tx(TxKind::Create, init_code.clone());
        let result = self.evm.transact_commit(tx).expect("deployment is a valid transaction");
        self.nonce += 1;
        result.created_address().unwrap_or_else(|| panic!("deployment failed: {result:?}"))
    }

    /// Calls `to` without committing state (a view call).
    pub(crate) fn call_raw(&mut self, to: Address, data: Vec<u8>) -> Outcome {
        let tx = self.tx(TxKind::Call(to), data.into());
        match self.evm.transact(tx).expect("the call is a valid transaction").result {
            ExecutionResult::Success { output, .. } => Outcome::Returned(output.into_data()),
            ExecutionResult::Revert { output, .. } => Outcome::Reverted(output),
            ExecutionResult::Halt { reason, .. } => Outcome::Halted(format!("{reason:?}")),
        }
    }

    /// Calls a typed function: `Ok` with its decoded return, or `Err` with the revert data.
    pub(crate) fn call<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, Bytes> {
        match self.call_raw(to, call.abi_encode()) {
            Outcome::Returned(out) => {
                Ok(C::abi_decode_returns(&out).expect("the contract returns its declared types"))
            }
            Outcome::Reverted(data) => Err(data),
            Outcome::Halted(reason) => panic!("{} halted: {reason}", C::SIGNATURE),
        }
    }
}

/// One contract deployed in its own EVM, asked questions by a test.
pub(crate) struct Harness {
    evm: Evm,
    at: Address,
}

impl Harness {
    /// Deploys `bytecode` (shared by the closures of a property test, hence the cell).
    pub(crate) fn deploy(bytecode: &Bytes) -> std::cell::RefCell<Self> {
        let mut evm = Evm::new();
        let at = evm.deploy(bytecode);
        std::cell::RefCell::new(Self { evm, at })
    }

    /// Calls the contract: what it returned, or the bytes it reverted with.
    pub(crate) fn call<C: SolCall>(&mut self, call: C) -> Result<C::Return, Bytes> {
        self.evm.call(self.at, &call)
    }
}

/// A property-test runner of `cases` cases that keeps no failure files.
pub(crate) fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, TestRunner};
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}
